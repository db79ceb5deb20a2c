from headway.cli.main import app

app()
