// Xero payloads at the edge. Successful answers arrive through xero-node, already deserialised to
// its camelCase models; failures carry Xero's raw body (PascalCase), as the Accounting API sent it
// (xero_accounting.yaml, "Error" and "ValidationError").
import { z } from 'zod';

const text = z.string().nullish();

export const XeroPhone = z.object({ phoneType: z.string().nullish(), phoneNumber: text });

export const XeroContact = z.object({
  contactID: z.string(),
  name: z.string(),
  contactStatus: z.string().nullish(),
  contactNumber: text,
  emailAddress: text,
  firstName: text,
  lastName: text,
  phones: z.array(XeroPhone).nullish(),
});
export type XeroContact = z.infer<typeof XeroContact>;
export const XeroContacts = z.object({ contacts: z.array(XeroContact).nullish() });

export const XeroItem = z.object({ itemID: z.string(), code: z.string(), name: text });
export type XeroItem = z.infer<typeof XeroItem>;
export const XeroItems = z.object({ items: z.array(XeroItem).nullish() });

export const XeroInvoice = z.object({
  invoiceID: z.string(),
  invoiceNumber: text,
  reference: text,
  status: z.string(),
});
export type XeroInvoice = z.infer<typeof XeroInvoice>;
export const XeroInvoices = z.object({ invoices: z.array(XeroInvoice).nullish() });

/** A 400 from the Accounting API: `{ Type: "ValidationException", Elements: [{ ValidationErrors: [...] }] }`. */
export const XeroValidationException = z.object({
  Type: z.literal('ValidationException'),
  Message: z.string().nullish(),
  Elements: z
    .array(z.object({ ValidationErrors: z.array(z.object({ Message: z.string() })).nullish() }).loose())
    .nullish(),
});

/** 401/403/404 problems: `{ Title, Status, Detail }`. */
export const XeroProblem = z.object({ Title: z.string().nullish(), Detail: z.string().nullish() }).loose();

/** What xero-node rejects with: a JSON string of its ApiError (`{ response: { statusCode, body, headers } }`). */
export const XeroNodeFailure = z.object({
  response: z.object({
    statusCode: z.number(),
    body: z.unknown(),
    headers: z.record(z.string(), z.unknown()).nullish(),
  }),
});
export type XeroNodeFailure = z.infer<typeof XeroNodeFailure>;

/** POST https://identity.xero.com/connect/token (developer.xero.com/documentation/guides/oauth2/auth-flow). */
export const XeroTokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
});
