"""The planner's background task: the same worker (``manage.py db_worker``) as the exports."""

from django.tasks import task


@task()
def run_planner(run_id: int):
    from planner.services import run_execute

    run_execute(run_id)
