-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "content" JSONB NOT NULL DEFAULT '{}';

