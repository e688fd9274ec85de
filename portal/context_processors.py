from django.conf import settings


def site(request):
    return {
        "site_name": "Smart spesialisering – veileder for fylkeskommunen",
        "site_url": settings.SITE_URL,
    }
