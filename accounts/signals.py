"""Keep the cached signed-in user (accounts.backends) and the roster version in step with the database.

Whatever changes who a person is or what they may see drops their cached copy, so the next
request loads them afresh: the user row itself (deactivation, a new password, staff or superuser
status), their team memberships and their membership of the editors group. Changes to people,
teams and memberships also bump the roster version (accounts.roster), which retires the cached
checklist pages that show names.
"""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .backends import forget_users
from .models import Membership, Team, User
from .roster import bump_roster


def _user_changed(sender, instance, update_fields=None, **kwargs):
    forget_users([instance.pk])
    # Signing in saves last_login alone, many times a day; it shows on no cached page.
    if not (update_fields and set(update_fields) <= {"last_login"}):
        bump_roster()


def _membership_changed(sender, instance, **kwargs):
    forget_users([instance.user_id])
    bump_roster()


def _team_changed(sender, instance, **kwargs):
    bump_roster()


def _group_changed(sender, instance, **kwargs):
    # A renamed or deleted group can change who counts as an editor.
    if instance.pk is not None:
        forget_users(instance.user_set.values_list("pk", flat=True))


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # user.groups.add(...): the instance is the user
        forget_users([instance.pk])
    elif action == "pre_clear":  # group.user_set.clear(): the members are gone after it
        forget_users(instance.user_set.values_list("pk", flat=True))
    else:  # group.user_set.add(...) or remove(...)
        forget_users(pk_set or [])


def connect() -> None:
    post_save.connect(_user_changed, sender=User, dispatch_uid="accounts.user_saved")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="accounts.user_deleted")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="accounts.membership_saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="accounts.membership_deleted")
    post_save.connect(_team_changed, sender=Team, dispatch_uid="accounts.team_saved")
    post_delete.connect(_team_changed, sender=Team, dispatch_uid="accounts.team_deleted")
    post_save.connect(_group_changed, sender=Group, dispatch_uid="accounts.group_saved")
    pre_delete.connect(_group_changed, sender=Group, dispatch_uid="accounts.group_deleted")
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="accounts.groups_changed")
