variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "aivo"
}

variable "environment" {
  description = "Environment name (dev, prod); part of every resource name."
  type        = string
  default     = "prod"
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "vpc_cidr" {
  description = "VPC address range (the Kubernetes NetworkPolicies allow Postgres/Redis/EKS API traffic to it)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_suffixes" {
  description = "Availability zones (suffixes of the region name) the subnets may use."
  type        = list(string)
  default     = ["a", "b", "c"]
}

variable "az_count" {
  description = "Availability zones to spread subnets, nodes, RDS and Redis over."
  type        = number
  default     = 3
}

variable "eks_version" {
  description = "Kubernetes version of the EKS cluster."
  type        = string
  default     = "1.33"
}

variable "eks_public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API from the internet; empty: the API is private (reach it over VPN/bastion)."
  type        = list(string)
  default     = []
}

variable "system_instance_types" {
  description = "Instance types of the system node group (MLflow, Prefect, ingress, CoreDNS)."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "serving_instance_types" {
  description = "GPU instance types of the serving node group (the endpoint). g4dn.xlarge: 1x T4 16 GB, 4 vCPU, 16 GiB."
  type        = list(string)
  default     = ["g4dn.xlarge"]
}

variable "serving_nodes" {
  description = "Serving node group size (one endpoint replica per node)."
  type        = object({ min = number, desired = number, max = number })
  default     = { min = 3, desired = 3, max = 10 }
}

variable "clone_instance_types" {
  description = "GPU instance types of the clone node group (one clone Job per GPU); spot capacity."
  type        = list(string)
  default     = ["g4dn.xlarge", "g5.xlarge"]
}

variable "clone_nodes_max" {
  description = "Most clone nodes at once; keep it equal to the Prefect work pool concurrency limit. The group scales to zero."
  type        = number
  default     = 4
}

variable "db_instance_class" {
  description = "RDS instance class of the Postgres backing MLflow and Prefect."
  type        = string
  default     = "db.t4g.medium"
}

variable "redis_node_type" {
  description = "ElastiCache node type (rate limits)."
  type        = string
  default     = "cache.t4g.small"
}

variable "redis_auth_token" {
  description = "Redis AUTH token (16-128 characters). Pass it as TF_VAR_redis_auth_token; never commit it."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.redis_auth_token) >= 16 && length(var.redis_auth_token) <= 128
    error_message = "redis_auth_token must be 16-128 characters."
  }
}

variable "baseline_retention_days" {
  description = "Days a baseline (and its derived SFT dataset) is kept in S3 before it expires; align with the retention policy file."
  type        = number
  default     = 365
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted object version is kept; after a student is forgotten, their data is gone from every version after this many days."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "Days VPC flow logs and EKS control-plane logs are kept."
  type        = number
  default     = 365
}
