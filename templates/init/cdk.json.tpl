{
  "app": "npx ts-node --transpile-only --prefer-ts-exts bin/app.ts",
  "context": {
    "@aws-cdk/core:validateAgainstDefaultRules": true,
    "appName": "{{appName}}",
    "compose": "{{composeFiles}}"
  },
  "watch": {
    "include": ["bin/**", "{{firstCompose}}"]
  }
}
