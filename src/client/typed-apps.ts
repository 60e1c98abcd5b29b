import type { App } from '../app/define-app.js';

/**
 * What a typed client is typed by: the server's apps, as an array (or tuple) or a record of
 * `defineApp` results. Only their types are used; no server code is imported.
 *
 * @example
 * const apps = [textApp, imageApp] as const;
 * const client = createClient<typeof apps>({ baseUrl });
 */
export type AppCatalog = readonly App[] | { readonly [name: string]: App };

/** The union of a catalog's apps. */
export type AppOf<Apps> = Apps extends readonly App[]
  ? Apps[number]
  : Apps extends { readonly [name: string]: App }
    ? Apps[keyof Apps]
    : never;

/** The app ids a client accepts: every string when untyped. */
export type AppIdOf<Apps> = [Apps] extends [never] ? string : AppOf<Apps>['id'];

type TypesOf<Apps, Id> = NonNullable<Extract<AppOf<Apps>, { readonly id: Id }>['types']>;

/** The input an app takes (the schema's input side: defaulted fields are optional). */
export type InputOf<Apps, Id> = [Apps] extends [never] ? unknown : TypesOf<Apps, Id>['input'];

/** The output an app's run returns. */
export type OutputOf<Apps, Id> = [Apps] extends [never] ? unknown : TypesOf<Apps, Id>['output'];

type EndpointsOf<Apps, Id> =
  TypesOf<Apps, Id> extends { readonly endpoints: infer Endpoints } ? Endpoints : never;

/** The sub-paths of an app's extra endpoints, such as `/img2img`: any path when untyped. */
export type EndpointPathOf<Apps, Id> = [Apps] extends [never]
  ? `/${string}`
  : Extract<keyof EndpointsOf<Apps, Id>, `/${string}`>;

type EndpointOf<Apps, Id, Path> = Path extends keyof EndpointsOf<Apps, Id>
  ? EndpointsOf<Apps, Id>[Path]
  : never;

/** The input an extra endpoint takes. */
export type EndpointInputOf<Apps, Id, Path> = [Apps] extends [never]
  ? unknown
  : EndpointOf<Apps, Id, Path> extends { readonly input: infer Input }
    ? Input
    : never;

/** The output an extra endpoint's run returns. */
export type EndpointOutputOf<Apps, Id, Path> = [Apps] extends [never]
  ? unknown
  : EndpointOf<Apps, Id, Path> extends { readonly output: infer Output }
    ? Output
    : never;
