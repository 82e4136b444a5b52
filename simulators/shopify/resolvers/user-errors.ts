// Mutation userErrors in the schema's shape: `{ field: [String!], message, code }`.
export interface UserErrorShape {
  field: string[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

export function userError(field: (string | number)[] | null, message: string, code?: string): UserErrorShape {
  return { field: field ? field.map(String) : null, message, code: code ?? null };
}
