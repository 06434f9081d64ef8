from aivo.cli import app

app(prog_name="aivo")
