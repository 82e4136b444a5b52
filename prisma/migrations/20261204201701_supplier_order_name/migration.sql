-- AlterTable
ALTER TABLE "OrderLink" ADD COLUMN     "supplierOrderName" TEXT;

