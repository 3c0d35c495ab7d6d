import factory

from bawaba.accounts.models import Assignment, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.ma")
    is_active = True
    password = factory.django.Password("correct horse battery staple")


def staff_member(role: str, *, provinces=(), region=None, administration=None, **fields) -> User:
    """A confirmed staff account holding one assignment of `role` over the given places."""
    user = UserFactory(kind=User.Kind.STAFF, **fields)
    assignment = Assignment.objects.create(user=user, role=role, region=region, administration=administration)
    if provinces:
        assignment.provinces.set(provinces)
    return user
