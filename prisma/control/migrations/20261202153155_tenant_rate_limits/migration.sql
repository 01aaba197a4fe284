-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "rate_limits" JSONB NOT NULL DEFAULT '{}';
