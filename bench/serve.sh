#!/usr/bin/env bash
echo "serve: not yet" 
