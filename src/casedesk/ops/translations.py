"""Strings the desk shows that Django or a library marks for translation, but whose own
zh_Hans catalogue lacks (so a Chinese page showed them in English).

Marked here, never used: ``makemessages`` then keeps them in our catalogue, which Django
reads before its own and the libraries' (``LOCALE_PATHS``).  When an upgrade adds a string
like these, ``tests/test_i18n_pages.py`` shows it on the page it leaks on.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

DJANGO_ADMIN = (
    # django/contrib/admin/templates/admin/app_list.html: the table heads screen readers read
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django/contrib/admin/templates/admin/auth/user/add_form.html
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)

DJANGO_TASKS_DB = (
    # django_tasks_db/models.py: the task results' model and field names
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    # django_tasks/base.py: TaskResultStatus
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
