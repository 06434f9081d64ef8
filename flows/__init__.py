"""Prefect flows: thin, tracked wrappers around training/ and registry/. The only package that imports prefect."""
