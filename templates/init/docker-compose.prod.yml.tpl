# Production settings for beanstack, merged over {{firstCompose}} (written by `beanstack init`).
# docker compose ignores x-* keys, so local development is unchanged. Every field: docs/x-beanstack.md
{{xBeanstack}}
