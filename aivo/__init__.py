"""The aivo command and the local-stack launcher (top floor: imports the others)."""
