from django_tasks import task

from bawaba.campaigns.models import Campaign
from bawaba.indicators.refresh import refresh_summary


@task()
def refresh_indicators(campaign_id: int) -> int:
    """Refresh a campaign's summary figures (a campaign deleted meanwhile is skipped); the number of figures."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    return refresh_summary(campaign).figures if campaign is not None else 0
