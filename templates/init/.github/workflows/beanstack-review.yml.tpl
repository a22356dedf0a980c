# Written by `beanstack init`. On every pull request: install, test, review what the change does to
# the infrastructure (offline: no AWS credentials), and keep one comment on the pull request up to
# date. Pull requests from forks get a read-only token: the review then goes to the job summary.
name: beanstack review

on:
  pull_request:

permissions:
  contents: read
  pull-requests: write

concurrency:
  group: beanstack-review-${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm test --if-present
      - name: Review the infrastructure change
        run: npx beanstack diff --base-ref origin/${{ github.base_ref }} -c stage={{stage}} --format markdown --output beanstack-review.md --fail-on data-loss,deploy-fails
      - name: Comment on the pull request
        if: ${{ !cancelled() && hashFiles('beanstack-review.md') != '' }}
        run: npx beanstack comment --file beanstack-review.md
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
