/** The gradebook endpoints: line items (grading tasks), results and score scales. */
import { collectionReply } from './collections.ts';
import type { IcDatasetLineItem } from './dataset.ts';
import type { District } from './district.ts';
import { json, type Reply, type SandboxRequest } from './http.ts';
import { ImsxError, unknownObject } from './imsx.ts';
import { putResult } from './put-result.ts';
import { knownFields, type Json, type Renderer } from './render.ts';
import type { ResultStore, StoredResult } from './result-store.ts';

export interface GradebookContext {
  district: District;
  view: Renderer;
  results: ResultStore;
  now: () => Date;
}

export function handleGradebook(req: SandboxRequest, segments: readonly string[], context: GradebookContext): Reply {
  const { district, view, results } = context;
  const [resource, id, sub, ...extra] = segments;
  const noEndpoint = () => unknownObject(`No endpoint at /${segments.join('/')}.`);
  if (resource === undefined || extra.length > 0) throw noEndpoint();

  if (resource === 'results' && id !== undefined && sub === undefined && req.method === 'PUT') return putResult(req, id, context);
  if (req.method !== 'GET') throw new ImsxError(405, 'unsupported', `${req.method} is not supported here.`);

  const lineItems = (items: readonly IcDatasetLineItem[]) =>
    collectionReply(req, items.map((l) => view.lineItem(l)), {
      envelope: 'lineItems',
      fields: knownFields('lineItem', view.mode),
    });
  const resultList = (items: readonly StoredResult[]) =>
    collectionReply(req, items.map((r) => view.result(r)), { envelope: 'results', fields: knownFields('result', view.mode) });

  switch (resource) {
    case 'classes': {
      if (id === undefined || !district.classes.has(id)) throw id === undefined ? noEndpoint() : unknownObject(`Unknown class ${id}.`);
      if (sub === 'lineItems') return lineItems(district.lineItemsOfClass(id));
      if (sub === 'results') return resultList(results.all().filter((r) => district.lineItems.get(r.lineItemSourcedId)?.class === id));
      throw noEndpoint();
    }
    case 'lineItems': {
      if (id === undefined) return lineItems(district.dataset.lineItems);
      const lineItem = district.lineItems.get(id);
      if (!lineItem) throw unknownObject(`Unknown lineItem ${id}.`);
      if (sub === undefined) return json(200, { lineItem: view.lineItem(lineItem) });
      if (sub === 'results') return resultList(results.all().filter((r) => r.lineItemSourcedId === id));
      throw noEndpoint();
    }
    case 'results': {
      if (id === undefined) return resultList(results.all());
      if (sub !== undefined) throw noEndpoint();
      const stored = results.get(id);
      if (!stored) throw unknownObject(`Unknown result ${id}.`);
      return json(200, { result: view.result(stored) });
    }
    case 'scoreScales': {
      if (id === undefined)
        return collectionReply(req, district.dataset.scoreScales.map((s): Json => view.scoreScale(s)), {
          envelope: 'scoreScales',
          fields: knownFields('scoreScale', view.mode),
        });
      const scale = district.scoreScales.get(id);
      if (!scale || sub !== undefined) throw unknownObject(`Unknown scoreScale ${id}.`);
      return json(200, { scoreScale: view.scoreScale(scale) });
    }
    default:
      throw noEndpoint();
  }
}
