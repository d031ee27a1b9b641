"""The shapes of the reading-state API's answers (/api/v1/reading/…), as the OpenAPI schema documents them."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from newsdesk.web.schema import Answer, StoryCard


class StoryState(Answer):
    id: int
    read: bool = Field(description="the user opened the story and has no unread report in it")
    opened: bool = Field(description="the user opened the story's page (or marked it read) and not unread since")
    read_at: datetime | None = Field(description="when the user last read it")
    starred: bool
    unread_reports: int = Field(description="its original reports the user has not read")


class ArticleState(Answer):
    id: int
    read: bool
    starred: bool


class MarkedIds(Answer):
    marked: int = Field(description="how many stories or articles were marked")


class ReadAll(Answer):
    before: datetime = Field(description="what was first seen before this moment is read")
    sources: list[int] | None = Field(description="the sources read; null: every source")


class UnreadCountsAnswer(Answer):
    total: int = Field(description="unread original reports, less those of the sources the user hides")
    by_source: dict[str, int] = Field(description="source id -> unread reports (only sources with some)")
    by_folder: dict[str, int] = Field(description="folder name -> unread reports (only folders with some)")


class UpdatedStory(StoryCard):
    read_at: datetime | None = Field(description="when the user last read it")
    changes_line: str = Field(description='what changed, in words: "2 new sources, 1 report updated"')
    new_sources: int = Field(description="outlets with a new independent report that had none then")
    new_reports: int = Field(description="independent reports added since (new outlets or not)")
    new_reprints: int
    updated_reports: int = Field(description="reports read then that their outlet changed since")
    changes_url: str = Field(description="the story with what changed since the read in full (new facts, figures)")


class UpdatedList(Answer):
    stories: list[UpdatedStory]
