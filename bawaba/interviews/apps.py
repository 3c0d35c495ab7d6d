from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "bawaba.interviews"
    label = "interviews"
    verbose_name = _("Interviews and the final selection")

    def ready(self) -> None:
        from bawaba.core.contributions import registry
        from bawaba.interviews import contributions

        contributions.register(registry)

        from bawaba.interviews import final_files

        final_files.register(registry)

        from bawaba.interviews.final_scores import field_stage_scores
        from bawaba.selection import stage_scores

        stage_scores.register("field", field_stage_scores)

        from bawaba.interviews import receivers

        receivers.connect()
