output "cluster_name" {
  description = "EKS cluster (aws eks update-kubeconfig --name <this>)."
  value       = aws_eks_cluster.main.name
}

output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = aws_eks_cluster.main.endpoint
}

output "data_bucket" {
  description = "S3 bucket for baselines, adapters, base models and MLflow artifacts (AIVO_S3_BUCKET)."
  value       = aws_s3_bucket.data.bucket
}

output "kms_key_arn" {
  description = "KMS key encrypting this environment's data."
  value       = aws_kms_key.data.arn
}

output "postgres_endpoint" {
  description = "RDS Postgres host:port for the mlflow-uri and prefect-uri secrets."
  value       = aws_db_instance.postgres.endpoint
}

output "postgres_master_secret_arn" {
  description = "Secrets Manager secret holding the RDS master password."
  value       = aws_db_instance.postgres.master_user_secret[0].secret_arn
}

output "redis_endpoint" {
  description = "ElastiCache primary endpoint (TLS) for the aivo-redis secret."
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}

output "irsa_role_arns" {
  description = "IAM role per service account; the prod overlay annotates each service account with its role."
  value       = { for k, r in aws_iam_role.irsa : k => r.arn }
}

output "ecr_repositories" {
  description = "Image repositories (endpoint, runner, platform)."
  value       = { for k, r in aws_ecr_repository.images : k => r.repository_url }
}
