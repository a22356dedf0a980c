# Written by `beanstack init`. On every push to the branch below: install, test and `cdk deploy` the
# stack with short-lived credentials from an IAM role assumed through GitHub's OIDC provider (no
# long-lived access keys). The job runs in the GitHub environment {{stage}}, so its token's subject
# is repo:<owner>/<repository>:environment:<environment>: `beanstack init` printed the IAM trust
# policy that matches it. Store the role's ARN as the repository variable AWS_DEPLOY_ROLE_ARN.
# Actions are pinned by full commit SHA (the tag is in the comment).
name: beanstack deploy

on:
  push:
    branches: [{{branch}}]

permissions:
  contents: read
  id-token: write

concurrency:
  group: beanstack-deploy
  cancel-in-progress: false

jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: {{stage}}
    env:
      BEANSTACK_STAGE: {{stage}}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - name: Test (skipped when package.json has no test script, or npm init's placeholder)
        run: |
          if node -e 'const t = (require("./package.json").scripts || {}).test || ""; process.exit(t === "" || t.includes("no test specified") ? 1 : 0)'; then npm test; else echo "no test script: skipped"; fi
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2
        with:
          role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}
          aws-region: {{region}}
      - name: Deploy
        run: npx cdk deploy --all --require-approval never -c "stage=$BEANSTACK_STAGE"
