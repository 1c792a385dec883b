"""The WSGI entry point: ``gunicorn -c gunicorn.conf.py wsgi:app`` (``make serve``)."""

from factcheck import create_app

app = create_app(migrations=False)  # `flask db upgrade` runs apart (make serve)
