"""Shared core of AIVO Brain: settings, schemas, base-model loading, prompts, generation.

Imports none of training/, registry/, flows/, serving/ or aivo/.
"""
