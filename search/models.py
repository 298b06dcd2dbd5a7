"""The database backend's index: one row per draft, article (of each version) and opinion.

The searchable text is kept pre-segmented (search.text.index_tokens). PostgreSQL adds a generated tsvector
column over it with a GIN index; SQLite an FTS5 table kept in step by triggers (see migration 0001).
"""

from django.db import models


class SearchEntry(models.Model):
    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    draft_id = models.IntegerField(null=True)
    draft_title = models.CharField(max_length=255, blank=True)
    chapter = models.CharField(max_length=255, blank=True)
    article_number = models.IntegerField(null=True)
    channel = models.CharField(max_length=20, blank=True)
    disposition = models.CharField(max_length=20, blank=True)
    contact_point_id = models.IntegerField(null=True)
    contact_point_name = models.CharField(max_length=100, blank=True)
    year = models.IntegerField(null=True)
    public = models.BooleanField(default=False)
    superseded = models.BooleanField(default=False)  # an article of an earlier version of its draft
    source_updated = models.DateTimeField(null=True)  # the source row's updated_at when this was written
    # The source row's updated_at as last sent to Elasticsearch (null: not sent, or no cluster configured).
    sent_updated = models.DateTimeField(null=True)
    access = models.CharField(max_length=255, blank=True)  # " point:5 dept:3 ": tokens between spaces
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "draft_id"], name="search_entry_kind_draft"),
            models.Index(fields=["draft_id", "article_number"], name="search_entry_article"),
        ]

    def __str__(self) -> str:
        return self.key


class IndexState(models.Model):
    """How far the incremental indexer has got (the newest `updated_at` it has indexed, per source)."""

    source = models.CharField(max_length=20, unique=True)
    indexed_until = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.source}: {self.indexed_until}"
