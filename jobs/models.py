from django.db import IntegrityError, models, transaction


class Claim(models.Model):
    """A name that can be taken once: a scheduled run, or a message that must not go twice."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def take(cls, name: str) -> bool:
        """True for the first caller only, across processes; the unique index decides."""
        try:
            with transaction.atomic():
                cls.objects.create(name=name)
        except IntegrityError:
            return False
        return True
