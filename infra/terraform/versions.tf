# AIVO Brain on AWS: VPC, EKS with GPU node groups, S3 (versioned, SSE-KMS), RDS
# Postgres (MLflow + Prefect), ElastiCache Redis, ECR, IAM roles for service accounts.
#
#   cd infra/terraform
#   terraform init -backend-config=backend.hcl     # your state bucket; see backend.hcl.example
#   terraform plan -var environment=prod -out plan.tfplan
#   terraform apply plan.tfplan
#
# Only the hashicorp/aws provider is used. The test suite runs `terraform validate`
# and checkov on these files; nothing here is ever applied by the tests.
terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 6.0"
    }
  }

  # State in S3 with locking; the values come from backend.hcl at `terraform init`.
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "aivo-brain"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# Zones are named, not discovered, so the subnets never move when AWS adds a zone.
data "aws_availability_zones" "available" {
  state = "available"
  filter {
    name   = "zone-name"
    values = [for suffix in var.az_suffixes : "${var.region}${suffix}"]
  }
}

locals {
  name       = "${var.name}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  azs        = slice(sort(data.aws_availability_zones.available.names), 0, var.az_count)
}
