"""Embedding throughput on synthetic news text."""

from newsdesk_lab.embed.bench import bench

__all__ = ["bench"]
