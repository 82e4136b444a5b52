-- AlterTable
ALTER TABLE "OrderLink" ADD COLUMN     "wholesaleAmount" DECIMAL(12,2);

-- Orders forwarded before: their invoice holds the supplier order's lines at wholesale.
UPDATE "OrderLink" o
SET "wholesaleAmount" = w.total
FROM (
  SELECT DISTINCT ON (i."orderLinkId") i."orderLinkId",
    (SELECT COALESCE(SUM(ROUND((l->>'unitPrice')::numeric, 2) * (l->>'quantity')::numeric), 0) FROM jsonb_array_elements(i.content->'lines') AS l) AS total
  FROM "Invoice" i
  WHERE jsonb_typeof(i.content->'lines') = 'array'
  ORDER BY i."orderLinkId", i."createdAt"
) w
WHERE o.id = w."orderLinkId" AND o."forwardedAt" IS NOT NULL;
