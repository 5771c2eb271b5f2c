import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group

from .models import CONTENT_EDITORS_GROUP, Membership, User


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
    """

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
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
        return user if self.user_can_authenticate(user) else None
