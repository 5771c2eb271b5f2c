from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .models import CONTENT_EDITORS_GROUP, Membership, User


class RoleAwareModelBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with their role flags in one query.

    Every page asks whether the person supervises a team (navigation) and whether they edit
    content (drafts); answering both in the user query saves two queries per request.
    """

    def get_user(self, user_id):
        user = (
            User._default_manager.annotate(
                _is_supervisor=Exists(Membership.objects.filter(user=OuterRef("pk"), role=Membership.Role.SUPERVISOR)),
                _is_editor=Exists(
                    User.groups.through.objects.filter(user=OuterRef("pk"), group__name=CONTENT_EDITORS_GROUP)
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
