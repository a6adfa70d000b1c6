import pytest

from tests.blog.factories import ArticleIndexPageFactory, PersonFactory


@pytest.fixture
def article_index(home_page):
    return ArticleIndexPageFactory(parent=home_page)


@pytest.fixture
def author(db):
    return PersonFactory()
