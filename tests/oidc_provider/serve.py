"""Run the test identity provider: `python -m tests.oidc_provider.serve WORKDIR`.

It listens on an ephemeral loopback port, writes the port to WORKDIR/port once it answers, and
exits when the process that started it is gone.
"""

import os
import sys
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _set_up() -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from .people import CLIENT_ID, CLIENT_SECRET, PASSWORD, PEOPLE

    call_command("migrate", verbosity=0)
    for username, claims in PEOPLE.items():
        User.objects.create_user(username, email=claims.get("email", ""), password=PASSWORD)
    Application.objects.create(
        name="Practice Hub",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        # The browser tests' live server (any port of localhost) and the Django test client.
        redirect_uris="http://localhost/sso/callback/ http://testserver/sso/callback/",
        post_logout_redirect_uris="http://localhost/sso/signed-out/ http://testserver/sso/signed-out/",
    )


def main(workdir: Path) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    server = make_server("127.0.0.1", 0, lambda environ, start_response: [], ThreadingServer, QuietHandler)
    port = server.server_address[1]
    os.environ["PROVIDER_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ["PROVIDER_DATABASE"] = str(workdir / "provider.sqlite3")
    os.environ["PROVIDER_RSA_KEY"] = str(workdir / "signing-key.pem")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    _set_up()
    server.set_app(get_wsgi_application())
    (workdir / "port").write_text(str(port))
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
