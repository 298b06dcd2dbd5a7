from contact_points.models import ContactPoint


def contact_point_count_active() -> int:
    return ContactPoint.objects.filter(is_active=True).count()
