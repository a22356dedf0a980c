# Written by `beanstack init`. On every pull request: install, test, review what the change does to
# the infrastructure — offline: it synthesizes the base commit and the head with no AWS credentials —
# and keep one comment on the pull request up to date. Pull requests from forks get a read-only
# token: the review then goes to the job summary. Actions are pinned by full commit SHA (the tag is
# in the comment); docs/deploy.md in the beanstack package says where the SHAs come from.
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
    env:
      BEANSTACK_STAGE: {{stage}}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - name: Test (skipped when package.json has no test script, or npm init's placeholder)
        run: |
          if node -e 'const t = (require("./package.json").scripts || {}).test || ""; process.exit(t === "" || t.includes("no test specified") ? 1 : 0)'; then npm test; else echo "no test script: skipped"; fi
      - name: Review the infrastructure change (offline, no AWS credentials)
        env:
          BASE_REF: ${{ github.base_ref }}
        run: npx beanstack diff --base-ref "origin/$BASE_REF" -c "stage=$BEANSTACK_STAGE" --format markdown --output beanstack-review.md --fail-on data-loss,deploy-fails
      - name: Comment on the pull request
        if: ${{ !cancelled() && hashFiles('beanstack-review.md') != '' }}
        run: npx beanstack comment --file beanstack-review.md
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
