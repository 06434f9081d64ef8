"""MLflow model registry + S3 artifact store: publish, resolve and delete student adapters."""
