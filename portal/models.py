"""The kernel's tables.

- CacheEntry: the cache's stand-in while Redis is away
  (portal.cache.FailoverCache). Its columns are those Django's DatabaseCache
  reads and writes (``manage.py createcachetable`` would make the same); it is
  a model so that ``migrate`` makes it everywhere, the test databases included.
- EncryptionCanary: one known text encrypted at the first migrate, which the
  start-up check (portal.checks) decrypts: a missing or wrong key refuses the
  start instead of showing tokens or failing at the first clinical page.
"""

from django.db import models

from portal.crypto import EncryptedTextField

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


CANARY_TEXT = "portal encryption canary"


class EncryptionCanary(models.Model):
    value = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "encryption canaries"

    def __str__(self) -> str:
        return f"Encryption canary {self.pk}"
