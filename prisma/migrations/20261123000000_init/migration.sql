
-- CreateEnum
CREATE TYPE "ShopRole" AS ENUM ('SUPPLIER', 'RETAILER', 'BOTH');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('ACTIVE', 'AUTH_EXPIRED', 'DISCONNECTED');

-- CreateEnum
CREATE TYPE "PartnershipStatus" AS ENUM ('INVITED', 'ACTIVE', 'DECLINED', 'ENDED');

-- CreateEnum
CREATE TYPE "ApprovalState" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "OrderState" AS ENUM ('RECEIVED', 'FORWARDED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED', 'FAILED', 'NEEDS_MANUAL_POSTING', 'CANCELLED');

-- CreateEnum
CREATE TYPE "OrderFailure" AS ENUM ('SKU_MISMATCH', 'DUPLICATE_SKU', 'MISSING_SHIPPING_ADDRESS', 'UNSUPPORTED_PLATFORM', 'PLATFORM_ERROR');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('PENDING', 'POSTED', 'RETRYING', 'GAVE_UP');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'PARTIAL');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('INFO', 'WARNING', 'CRITICAL');

-- CreateEnum
CREATE TYPE "ChargeStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "ReservationState" AS ENUM ('HELD', 'CONSUMED', 'RELEASED');

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "role" "ShopRole" NOT NULL DEFAULT 'BOTH',
    "email" TEXT,
    "inviteCode" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "externalAccount" TEXT NOT NULL,
    "displayName" TEXT,
    "credentials" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "status" "ConnectionStatus" NOT NULL DEFAULT 'ACTIVE',
    "purposes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Checkpoint" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "cursor" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "fullResetAt" TIMESTAMP(3),
    "lastFullAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BudgetUsage" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "costPoints" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "BudgetUsage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Partnership" (
    "id" TEXT NOT NULL,
    "supplierShopId" TEXT NOT NULL,
    "retailerShopId" TEXT NOT NULL,
    "status" "PartnershipStatus" NOT NULL DEFAULT 'INVITED',
    "invitedByShopId" TEXT NOT NULL,
    "forceOverwrite" BOOLEAN NOT NULL DEFAULT false,
    "pushInventory" BOOLEAN NOT NULL DEFAULT true,
    "oversellProtection" BOOLEAN NOT NULL DEFAULT true,
    "pricingRule" JSONB NOT NULL DEFAULT '{}',
    "billingTerms" JSONB NOT NULL DEFAULT '{}',
    "sourceConnectionId" TEXT,
    "targetConnectionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),

    CONSTRAINT "Partnership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SourceVariant" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "externalProductId" TEXT NOT NULL,
    "externalVariantId" TEXT NOT NULL,
    "inventoryItemId" TEXT,
    "sku" TEXT,
    "productTitle" TEXT NOT NULL,
    "variantTitle" TEXT,
    "description" TEXT,
    "vendor" TEXT,
    "images" JSONB NOT NULL DEFAULT '[]',
    "options" JSONB NOT NULL DEFAULT '[]',
    "price" DECIMAL(12,2) NOT NULL,
    "compareAtPrice" DECIMAL(12,2),
    "available" INTEGER NOT NULL DEFAULT 0,
    "contentHash" TEXT NOT NULL,
    "sourceUpdatedAt" TIMESTAMP(3),
    "generation" INTEGER NOT NULL DEFAULT 0,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "SourceVariant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Listing" (
    "id" TEXT NOT NULL,
    "partnershipId" TEXT NOT NULL,
    "sourceVariantId" TEXT NOT NULL,
    "partnerProductId" TEXT,
    "partnerVariantId" TEXT,
    "partnerInventoryItemId" TEXT,
    "partnerSku" TEXT,
    "approval" "ApprovalState" NOT NULL DEFAULT 'PENDING',
    "lastPushedContentHash" TEXT,
    "lastPushedPrice" DECIMAL(12,2),
    "lastPushedQuantity" INTEGER,
    "observedPrice" DECIMAL(12,2),
    "observedQuantity" INTEGER,
    "priceDrift" BOOLEAN NOT NULL DEFAULT false,
    "quantityDrift" BOOLEAN NOT NULL DEFAULT false,
    "lastSyncedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Listing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderLink" (
    "id" TEXT NOT NULL,
    "partnershipId" TEXT NOT NULL,
    "retailerOrderId" TEXT NOT NULL,
    "retailerOrderName" TEXT,
    "supplierOrderId" TEXT,
    "systemOfRecordId" TEXT,
    "state" "OrderState" NOT NULL DEFAULT 'RECEIVED',
    "failureReason" "OrderFailure",
    "failureDetail" JSONB,
    "content" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "totalAmount" DECIMAL(12,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "retailerCreatedAt" TIMESTAMP(3) NOT NULL,
    "forwardedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderEvent" (
    "id" TEXT NOT NULL,
    "orderLinkId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" "OrderState" NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "OrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fulfillment" (
    "id" TEXT NOT NULL,
    "orderLinkId" TEXT NOT NULL,
    "supplierFulfillmentId" TEXT NOT NULL,
    "retailerFulfillmentId" TEXT,
    "carrier" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "lines" JSONB NOT NULL DEFAULT '[]',
    "pushedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Fulfillment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerLink" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "email" TEXT,
    "externalAccountId" TEXT,
    "externalCustomerId" TEXT NOT NULL,
    "createdByTandem" BOOLEAN NOT NULL DEFAULT false,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invoice" (
    "id" TEXT NOT NULL,
    "orderLinkId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "externalInvoiceId" TEXT,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "givenUpAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "partnershipId" TEXT,
    "kind" TEXT NOT NULL,
    "mode" TEXT,
    "trigger" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "jobId" TEXT,
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "progressTotal" INTEGER NOT NULL DEFAULT 0,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "apiCalls" INTEGER NOT NULL DEFAULT 0,
    "costPoints" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "severity" "AlertSeverity" NOT NULL DEFAULT 'WARNING',
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fix" TEXT,
    "subject" JSONB,
    "emailedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Charge" (
    "id" TEXT NOT NULL,
    "partnershipId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "stripeId" TEXT,
    "status" "ChargeStatus" NOT NULL DEFAULT 'PENDING',
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Charge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reservation" (
    "id" TEXT NOT NULL,
    "sourceVariantId" TEXT NOT NULL,
    "orderKey" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "state" "ReservationState" NOT NULL DEFAULT 'HELD',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeadLetter" (
    "id" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "failedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_inviteCode_key" ON "Shop"("inviteCode");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_shopId_platform_externalAccount_key" ON "Connection"("shopId", "platform", "externalAccount");

-- CreateIndex
CREATE UNIQUE INDEX "Checkpoint_connectionId_stream_key" ON "Checkpoint"("connectionId", "stream");

-- CreateIndex
CREATE UNIQUE INDEX "BudgetUsage_connectionId_day_key" ON "BudgetUsage"("connectionId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "Partnership_supplierShopId_retailerShopId_key" ON "Partnership"("supplierShopId", "retailerShopId");

-- CreateIndex
CREATE INDEX "SourceVariant_connectionId_sku_idx" ON "SourceVariant"("connectionId", "sku");

-- CreateIndex
CREATE INDEX "SourceVariant_connectionId_lastSeenAt_idx" ON "SourceVariant"("connectionId", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "SourceVariant_connectionId_externalVariantId_key" ON "SourceVariant"("connectionId", "externalVariantId");

-- CreateIndex
CREATE INDEX "Listing_partnershipId_lastSyncedAt_idx" ON "Listing"("partnershipId", "lastSyncedAt");

-- CreateIndex
CREATE INDEX "Listing_partnershipId_partnerVariantId_idx" ON "Listing"("partnershipId", "partnerVariantId");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_partnershipId_sourceVariantId_key" ON "Listing"("partnershipId", "sourceVariantId");

-- CreateIndex
CREATE INDEX "OrderLink_partnershipId_state_idx" ON "OrderLink"("partnershipId", "state");

-- CreateIndex
CREATE INDEX "OrderLink_partnershipId_forwardedAt_idx" ON "OrderLink"("partnershipId", "forwardedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLink_partnershipId_retailerOrderId_key" ON "OrderLink"("partnershipId", "retailerOrderId");

-- CreateIndex
CREATE INDEX "OrderEvent_orderLinkId_at_idx" ON "OrderEvent"("orderLinkId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Fulfillment_orderLinkId_supplierFulfillmentId_key" ON "Fulfillment"("orderLinkId", "supplierFulfillmentId");

-- CreateIndex
CREATE INDEX "CustomerLink_connectionId_email_idx" ON "CustomerLink"("connectionId", "email");

-- CreateIndex
CREATE INDEX "CustomerLink_connectionId_externalAccountId_idx" ON "CustomerLink"("connectionId", "externalAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLink_connectionId_externalCustomerId_key" ON "CustomerLink"("connectionId", "externalCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_idempotencyKey_key" ON "Invoice"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Invoice_status_nextAttemptAt_idx" ON "Invoice"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_orderLinkId_connectionId_key" ON "Invoice"("orderLinkId", "connectionId");

-- CreateIndex
CREATE INDEX "SyncRun_shopId_kind_startedAt_idx" ON "SyncRun"("shopId", "kind", "startedAt");

-- CreateIndex
CREATE INDEX "Alert_shopId_resolvedAt_idx" ON "Alert"("shopId", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_shopId_key_key" ON "Alert"("shopId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Charge_idempotencyKey_key" ON "Charge"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Charge_partnershipId_day_key" ON "Charge"("partnershipId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_eventId_key" ON "WebhookEvent"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "Reservation_orderKey_sourceVariantId_key" ON "Reservation"("orderKey", "sourceVariantId");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetter_queue_jobId_key" ON "DeadLetter"("queue", "jobId");

-- AddForeignKey
ALTER TABLE "Connection" ADD CONSTRAINT "Connection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Checkpoint" ADD CONSTRAINT "Checkpoint_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetUsage" ADD CONSTRAINT "BudgetUsage_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Partnership" ADD CONSTRAINT "Partnership_supplierShopId_fkey" FOREIGN KEY ("supplierShopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Partnership" ADD CONSTRAINT "Partnership_retailerShopId_fkey" FOREIGN KEY ("retailerShopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceVariant" ADD CONSTRAINT "SourceVariant_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_partnershipId_fkey" FOREIGN KEY ("partnershipId") REFERENCES "Partnership"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_sourceVariantId_fkey" FOREIGN KEY ("sourceVariantId") REFERENCES "SourceVariant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLink" ADD CONSTRAINT "OrderLink_partnershipId_fkey" FOREIGN KEY ("partnershipId") REFERENCES "Partnership"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderEvent" ADD CONSTRAINT "OrderEvent_orderLinkId_fkey" FOREIGN KEY ("orderLinkId") REFERENCES "OrderLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fulfillment" ADD CONSTRAINT "Fulfillment_orderLinkId_fkey" FOREIGN KEY ("orderLinkId") REFERENCES "OrderLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerLink" ADD CONSTRAINT "CustomerLink_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_orderLinkId_fkey" FOREIGN KEY ("orderLinkId") REFERENCES "OrderLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Charge" ADD CONSTRAINT "Charge_partnershipId_fkey" FOREIGN KEY ("partnershipId") REFERENCES "Partnership"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reservation" ADD CONSTRAINT "Reservation_sourceVariantId_fkey" FOREIGN KEY ("sourceVariantId") REFERENCES "SourceVariant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

