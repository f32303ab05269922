"""The kernel's one table: the cache's stand-in while Redis is away
(portal.cache.FailoverCache). Its columns are those Django's DatabaseCache
reads and writes (``manage.py createcachetable`` would make the same); it is
a model so that ``migrate`` makes it everywhere, the test databases included."""

from django.db import models

CACHE_TABLE = "portal_cache"


class CacheEntry(models.Model):
    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE
        verbose_name_plural = "cache entries"

    def __str__(self) -> str:
        return self.cache_key
