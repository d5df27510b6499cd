def place_section(request, place):
    return None


def profile_section(request, user):
    return None
