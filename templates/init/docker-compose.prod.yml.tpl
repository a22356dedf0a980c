# Production settings for beanstack, merged over {{firstCompose}} (written by `beanstack init`).
# docker compose ignores x-* keys, so local development is unchanged. Every field is documented in
# docs/x-beanstack.md of the beanstack package (node_modules/beanstack/docs/x-beanstack.md).
{{xBeanstack}}
