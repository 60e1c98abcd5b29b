import type { ChatView } from '../../app/chat-view.js';
import type { App, ServedEndpoint } from '../../app/define-app.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { AppRoutes } from '../app-routes.js';
import { fieldOpening } from './delta-field.js';

/** An endpoint served as a chat model. */
export interface ChatModel {
  /** The app id, followed by the endpoint's sub-path for an extra endpoint. */
  readonly id: string;
  readonly app: App;
  readonly endpoint: ServedEndpoint;
  readonly view: ChatView;
  /** `{"field":` when the view names its delta's field: the stream's fast path. */
  readonly opening?: string;
}

function modelOf(app: App, endpoint: ServedEndpoint, view: ChatView): ChatModel {
  const id = `${app.id}${endpoint.path}`;
  if (typeof view.delta !== 'string') return { id, app, endpoint, view };
  return { id, app, endpoint, view, opening: fieldOpening(view.delta) };
}

/**
 * Every endpoint that declares a chat view, as a model.
 *
 * @example
 * chatModels(context.routes).map((model) => model.id); // ['demo/text']
 */
export function chatModels(routes: AppRoutes): ChatModel[] {
  return routes
    .list()
    .flatMap((app) =>
      [...app.endpoints.values()].flatMap((endpoint) =>
        endpoint.chat ? [modelOf(app, endpoint, endpoint.chat)] : [],
      ),
    );
}

/**
 * The chat model named `model`; `not_found` when no endpoint of that name declares a chat view.
 *
 * @example
 * const { app, endpoint, view } = findChatModel(context.routes, 'demo/text');
 */
export function findChatModel(routes: AppRoutes, model: string): ChatModel {
  const found = chatModels(routes).find((candidate) => candidate.id === model);
  if (!found) throw new SluiceError('not_found', 'No chat model of that name is served here');
  return found;
}
