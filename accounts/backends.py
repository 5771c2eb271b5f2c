import functools
import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache

from config import prefetch

from .models import CONTENT_EDITORS_GROUP, Membership, User


def fields_digest(fields) -> str:
    """A short digest of a model's columns, so that copies pickled before a migration are never read."""
    return hashlib.sha256(",".join(field.attname for field in fields).encode()).hexdigest()[:12]


@functools.cache
def _user_cache_prefix() -> str:
    return f"auth-user:{fields_digest(User._meta.concrete_fields)}"


def user_cache_key(user_id) -> str:
    return f"{_user_cache_prefix()}:{int(user_id)}"


def forget_users(user_ids) -> None:
    """Drop the cached copies of these users, so their next request reads the database."""
    keys = [user_cache_key(user_id) for user_id in user_ids if user_id is not None]
    if keys:
        prefetch.discard(keys)
        cache.delete_many(keys)


@functools.cache
def _user_with_roles_sql() -> str:
    user, membership = User._meta.db_table, Membership._meta.db_table
    user_groups, group = User.groups.through._meta.db_table, Group._meta.db_table
    # Only table names are interpolated, from the models' own metadata; every value is a parameter.
    return (
        f"SELECT u.*, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {membership} m WHERE m.user_id = u.id AND m.role = %s) AS _is_supervisor, "
        f"EXISTS (SELECT 1 FROM {user_groups} ug INNER JOIN {group} g ON g.id = ug.group_id "
        f"WHERE ug.user_id = u.id AND g.name = %s) AS _is_editor "
        f"FROM {user} u WHERE u.id = %s"
    )


class RoleAwareModelBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with their role flags in one query.

    Every page asks whether the person supervises a team (navigation) and whether they edit
    content (drafts); answering both in the user query saves two queries per request. The
    query is written out once, because building the equivalent ORM expression on every request
    cost more than running it.

    With AUTH_USER_CACHE_SECONDS above zero, the loaded user (with both flags and, for a
    supervisor, the teams they supervise) is kept in the cache, so most requests read no table
    at all. Every change that could alter what a person may see drops their copy at once
    (accounts.signals): saving or deleting the user, a membership, or the editors group. The
    expiry is only a backstop for changes made behind the ORM's back, such as raw SQL.
    """

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        seconds = settings.AUTH_USER_CACHE_SECONDS
        user = None
        if seconds:
            key = user_cache_key(user_id)
            user = prefetch.take(key)  # fetched with the session, or not
            if user is prefetch.NOT_FETCHED:
                user = cache.get(key)
        if user is None:
            user = self._load(user_id)
            if user is None:
                return None
            if seconds:
                cache.set(user_cache_key(user_id), user, seconds)
        return user if self.user_can_authenticate(user) else None

    def _load(self, user_id: int) -> User | None:
        users = list(
            User._default_manager.raw(
                _user_with_roles_sql(), [Membership.Role.SUPERVISOR, CONTENT_EDITORS_GROUP, user_id]
            )
        )
        if not users:
            return None
        user = users[0]
        # SQLite answers EXISTS with 0 or 1.
        user._is_supervisor, user._is_editor = bool(user._is_supervisor), bool(user._is_editor)
        if settings.AUTH_USER_CACHE_SECONDS:
            # Supervisors' pages all need their teams: keep them with the cached user.
            user.__dict__["supervised_team_ids"] = user.supervised_team_ids if user._is_supervisor else []
        return user
