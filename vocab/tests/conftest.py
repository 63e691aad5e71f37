import pytest

from vocab.tests.factories import PairFactory


@pytest.fixture
def pair(user):
    return PairFactory(user=user)


@pytest.fixture
def other_pair(other_user):
    return PairFactory(user=other_user)
