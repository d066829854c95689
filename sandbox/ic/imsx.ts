/** IC's error answers: the 1EdTech imsx body (infinite-campus-api.md "Errors") as a throwable. */

export type ImsxCodeMinor =
  | 'invaliddata'
  | 'unauthorisedrequest'
  | 'forbidden'
  | 'unknownobject'
  | 'server_busy'
  | 'internal_server_error'
  | 'invalid_filter_field'
  | 'invalid_sort_field'
  | 'invalid_selection_field'
  | 'unsupported';

export interface ImsxBody {
  imsx_codeMajor: 'failure';
  imsx_severity: 'error';
  imsx_description: string;
  imsx_CodeMinor: { imsx_codeMinorField: { imsx_codeMinorFieldName: string; imsx_codeMinorFieldValue: ImsxCodeMinor }[] };
}

export function imsxBody(codeMinor: ImsxCodeMinor, description: string): ImsxBody {
  return {
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: description,
    imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] },
  };
}

/** Thrown by a handler to answer with an imsx error. */
export class ImsxError extends Error {
  constructor(
    readonly status: number,
    readonly codeMinor: ImsxCodeMinor,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }

  get body(): ImsxBody {
    return imsxBody(this.codeMinor, this.message);
  }
}

export const invalidData = (description: string) => new ImsxError(400, 'invaliddata', description);
export const unprocessable = (description: string) => new ImsxError(422, 'invaliddata', description);
export const unknownObject = (description: string) => new ImsxError(404, 'unknownobject', description);
export const unauthorised = (description: string) =>
  new ImsxError(401, 'unauthorisedrequest', description, { 'WWW-Authenticate': 'Bearer realm="Campus"' });
