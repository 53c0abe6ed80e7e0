"""A tiny web app on the standard library."""
from http.server import BaseHTTPRequestHandler, HTTPServer
import sys


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello from python {sys.version_info.major}.{sys.version_info.minor}\n".encode()
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", 5000), Hello).serve_forever()
