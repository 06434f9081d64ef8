"""Baseline -> SFT dataset, LoRA training (PEFT), evaluation of adapter vs base. Never imports prefect."""
