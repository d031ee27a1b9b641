"""The demo desk: a sample corpus written for newsdesk (invented outlets and events) and a local
server that publishes it as feeds and article pages."""

from newsdesk.demo.corpus import Corpus, DemoArticle, Outlet, load_corpus
from newsdesk.demo.server import DemoServer

__all__ = ["Corpus", "DemoArticle", "Outlet", "load_corpus", "DemoServer"]
