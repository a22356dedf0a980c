# Written by `beanstack init`. On every push to {{branch}}: install, test and `cdk deploy` the stack
# with short-lived credentials from an IAM role assumed through GitHub's OIDC provider (no long-lived
# access keys). Create the role once (trust policy: token.actions.githubusercontent.com, repository
# {{repository}}, branch {{branch}}) and store its ARN as the repository variable AWS_DEPLOY_ROLE_ARN.
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
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm test --if-present
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}
          aws-region: {{region}}
      - name: Deploy
        run: npx cdk deploy --all --require-approval never -c stage={{stage}}
