"""Deployment support: gunicorn's access logger, the production smoke test and the benchmark."""
